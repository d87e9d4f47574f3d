/// Names of the MongoDB collections the api-server keeps accounts in.
public enum AccountCollections {
    /// ``User`` documents, `_id` = lowercased username.
    public static let users = "users"
    /// ``Session`` documents, `_id` = SHA-256 of the token, TTL on `expiresAt`.
    public static let sessions = "sessions"
    /// ``LoginFailure`` documents, TTL on `at`.
    public static let loginFailures = "loginFailures"
    /// ``SimulationJob`` documents: the server-side simulations an admin started.
    public static let simulations = "simulations"
}
