/**
 * The review size limits the api-server enforces (ReviewContracts' `ReviewLimits`; a Swift test keeps these numbers
 * equal to those): the text in UTF-8 bytes, and the whole JSON body of the POST. Checked here first to save a
 * round trip.
 */
export const MAX_REVIEW_TEXT_BYTES = 60 * 1024;
export const MAX_REVIEW_BODY_BYTES = 64 * 1024;

const encoder = new TextEncoder();

export const utf8Length = (text: string) => encoder.encode(text).length;

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/** Why `text` cannot be posted with `score`, or null when it can. */
export function reviewTextProblem(text: string, score = 5): string | null {
  if (!text.trim()) return "Write a review first: the text is empty.";
  const bytes = utf8Length(text);
  if (bytes > MAX_REVIEW_TEXT_BYTES) {
    return `The review is ${kib(bytes)} KiB; the limit is ${MAX_REVIEW_TEXT_BYTES / 1024} KiB.`;
  }
  // Quotes, backslashes and control characters grow when JSON escapes them.
  const body = utf8Length(JSON.stringify({ reviewText: text, overall: score }));
  if (body > MAX_REVIEW_BODY_BYTES) {
    return `The review takes ${kib(body)} KiB once escaped for sending; the limit is ${MAX_REVIEW_BODY_BYTES / 1024} KiB.`;
  }
  return null;
}
