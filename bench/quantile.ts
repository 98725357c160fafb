// The one quantile the benches report: the value at rank ⌊q·n⌋ of the sorted sample (q = 0.5: median).
export const quantile = (xs: readonly number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;
