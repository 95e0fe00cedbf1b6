import { checkSameLength } from '../internal/validate.js';

type Floats = Float32Array | Float64Array;

/**
 * Fraction of the variance of `yTrue` that `yPred` explains:
 *
 *   ev = 1 − Var[y − ŷ] / Var[y]
 *
 * 1 is a perfect prediction, 0 no better than predicting the mean, negative worse than that.
 * NaN when Var[y] = 0 or the arrays are empty (as SB3's `explained_variance`). Population
 * variances, two-pass in float64. Argument order as SB3: prediction first.
 */
export function explainedVariance(yPred: Floats, yTrue: Floats): number {
  const n = yTrue.length;
  checkSameLength('explainedVariance', 'yPred', yPred.length, 'yTrue', n);
  if (n === 0) return NaN;
  let meanY = 0;
  let meanResidual = 0;
  for (let i = 0; i < n; i++) {
    meanY += yTrue[i]!;
    meanResidual += yTrue[i]! - yPred[i]!;
  }
  meanY /= n;
  meanResidual /= n;
  let varY = 0;
  let varResidual = 0;
  for (let i = 0; i < n; i++) {
    const dy = yTrue[i]! - meanY;
    const dr = yTrue[i]! - yPred[i]! - meanResidual;
    varY += dy * dy;
    varResidual += dr * dr;
  }
  return varY === 0 ? NaN : 1 - varResidual / varY;
}
