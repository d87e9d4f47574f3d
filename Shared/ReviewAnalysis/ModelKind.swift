/// The classifier families the trainer can fit.
public enum ModelKind: String, Codable, Sendable, CaseIterable {
    /// A random forest (the seed system's model).
    case forest
    /// L2-regularised logistic regression.
    case linear
}
