export { DDPG } from './ddpg.js';
export { ddpgConfig, defaultDdpgConfig, type DdpgConfig } from './config.js';
