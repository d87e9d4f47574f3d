/** Number formatting shared by the pages. */

const integer = new Intl.NumberFormat("en-US");

export const formatCount = (n: number | null | undefined) => (n == null ? "–" : integer.format(n));

export const formatPercent = (fraction: number | null | undefined, digits = 1) =>
  fraction == null || Number.isNaN(fraction) ? "–" : `${(fraction * 100).toFixed(digits)} %`;

export const formatRate = (n: number | null | undefined) => (n == null ? "–" : n.toFixed(n < 10 ? 1 : 0));
