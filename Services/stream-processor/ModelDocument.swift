/// How the trainer stores a model in the `models` collection: `{_id: version, createdAt, file: <model JSON>}`.
enum ModelDocument {
    static let fileField = "file"
}
