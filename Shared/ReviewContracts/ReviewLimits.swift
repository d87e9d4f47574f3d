/// The size limits of a review, one set for every part that checks them: the validator (text), the api-server and
/// the gateway (request body), and the dashboard, whose `src/reviewLimits.ts` repeats these numbers (a test keeps
/// them equal).
public enum ReviewLimits {
    /// A review's text, in UTF-8 bytes.
    public static let maxTextBytes = 60 * 1024
    /// A `POST /api/v1/reviews` body: a text at the limit with the other fields and JSON's escaping of ordinary text.
    /// (A text of mostly quotes or control characters escapes to more and is refused as a too-large body: 413.)
    public static let maxBodyBytes = 64 * 1024
}
