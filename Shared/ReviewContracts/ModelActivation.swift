import Foundation

/// Which published model version the stream processors use.
public enum ModelActivation {
    /// The active model among `models`: the one activated last; while none has ever been activated, the newest of
    /// those published before activation existed (what processors used then). Nil when neither exists, e.g. when
    /// every model was published with `--no-activate`.
    public static func active(in models: [StoredModel]) -> StoredModel? {
        if let activated = models.filter({ $0.activatedAt != nil }).max(by: { order($0, $1, \.activatedAt!) }) {
            return activated
        }
        return models.filter(\.isFromBeforeActivation).max(by: { order($0, $1, \.createdAt) })
    }

    /// Orders by the date, then by version id so equal dates still give one answer.
    private static func order(_ a: StoredModel, _ b: StoredModel, _ date: KeyPath<StoredModel, Date>) -> Bool {
        a[keyPath: date] != b[keyPath: date] ? a[keyPath: date] < b[keyPath: date] : a.id < b.id
    }
}
