/** Version of `@tfrl/core`, recorded in every checkpoint manifest. Keep in step with package.json. */
export const VERSION = '0.1.0';
