/** The api-server rejects review texts above this many UTF-8 bytes; checked here first to save a round trip. */
export const MAX_REVIEW_BYTES = 64 * 1024;

const encoder = new TextEncoder();

export const utf8Length = (text: string) => encoder.encode(text).length;

/** Why `text` cannot be posted, or null when it can. */
export function reviewTextProblem(text: string): string | null {
  if (!text.trim()) return "Write a review first: the text is empty.";
  const bytes = utf8Length(text);
  if (bytes > MAX_REVIEW_BYTES) {
    return `The review is ${(bytes / 1024).toFixed(1)} KiB; the limit is ${MAX_REVIEW_BYTES / 1024} KiB.`;
  }
  return null;
}
