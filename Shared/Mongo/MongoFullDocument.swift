/// Whether change events for updates carry the whole current document.
public enum MongoFullDocument: String, Sendable {
    /// Update events carry only `updateDescription`.
    case `default`
    /// Update events also carry `fullDocument`, looked up when the event is read.
    case updateLookup
}
