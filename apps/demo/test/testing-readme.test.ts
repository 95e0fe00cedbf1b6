import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { it } from 'vitest';
import { Box } from '@tfrl/core';
import { arbitraryFromSpace, expectNoTensorLeak } from '@tfrl/testing';

const space = new Box({ low: -1, high: 1, shape: [3] });
it('contains what it generates', () => fc.assert(fc.property(arbitraryFromSpace(space), (x) => space.contains(x))));
it('does not leak', () => expectNoTensorLeak(() => tf.dispose(tf.tidy(() => tf.add(tf.ones([2]), 1)))));
