import Foundation

/// A trained model file loaded in memory: vectorizer + classifier + metadata. Immutable, thread-safe.
public struct SentimentModel: Sendable {
    private let file: ModelFile
    public let vectorizer: HashingVectorizer
    public let classifier: SentimentClassifier
    /// For a linear classifier: the IDF and weight of each bucket side by side, the prediction path's lookup table.
    private let table: BucketTable?
    /// Model version id: creation time plus a hash of the fitted parameters.
    public var version: String { file.version }
    public let createdAt: Date
    public var labelRule: LabelRule { file.labelRule }
    public var trainingData: TrainingDataInfo { file.trainingData }
    /// Model selection and held-out scores from training.
    public var metrics: TrainingReport { file.metrics }
    public var kind: ModelKind { classifier.kind }
    /// P(positive) from which ``predict(_:)`` says positive (tuned in training; 0.5 when not tuned).
    public var threshold: Double { file.classifier.threshold }

    /// Loads a model file; throws ``ModelFileError`` for corrupt JSON, another format or another format version.
    public init(data: Data) throws {
        let file = try ModelFile.decode(data)
        let parameters = file.vectorizer.parameters
        guard (1...30).contains(parameters.hashBits), (1...3).contains(parameters.ngramMax), parameters.summaryWeight >= 0
        else { throw ModelFileError.corrupt("vectorizer parameters out of range") }
        guard let idf = PackedArray.floats(file.vectorizer.idf), idf.count == parameters.bucketCount else {
            throw ModelFileError.corrupt("vectorizer.idf must hold \(parameters.bucketCount) floats")
        }
        guard (0...1).contains(file.classifier.threshold) else { throw ModelFileError.corrupt("classifier.threshold must be in 0...1") }
        guard let createdAt = ModelFile.date(timestamp: file.createdAt) else {
            throw ModelFileError.corrupt("createdAt is not an ISO 8601 timestamp")
        }
        let classifier: SentimentClassifier
        switch file.classifier.kind {
        case .linear:
            guard let linear = file.classifier.linear, let weights = PackedArray.floats(linear.weights),
                  weights.count == parameters.bucketCount
            else { throw ModelFileError.corrupt("classifier.linear.weights must hold \(parameters.bucketCount) floats") }
            classifier = .linear(LogisticRegression(weights: weights, bias: linear.bias))
        case .forest:
            guard let trees = file.classifier.forest, !trees.isEmpty else {
                throw ModelFileError.corrupt("classifier.forest has no trees")
            }
            classifier = .forest(RandomForest(trees: try trees.enumerated().map { index, tree in
                try Self.decodeTree(tree, bucketCount: parameters.bucketCount, index: index)
            }))
        }
        self.file = file
        self.vectorizer = HashingVectorizer(parameters: parameters, idf: idf, documentCount: file.vectorizer.documentCount)
        self.classifier = classifier
        self.createdAt = createdAt
        self.table = Self.lookupTable(vectorizer, classifier)
    }

    private static func lookupTable(_ vectorizer: HashingVectorizer, _ classifier: SentimentClassifier) -> BucketTable? {
        guard case .linear(let model) = classifier else { return nil }
        return BucketTable(idf: vectorizer.idf, weights: model.weights)
    }

    public init(contentsOf url: URL) throws {
        try self.init(data: Data(contentsOf: url))
    }

    /// Assembles a freshly trained model. The version id is the creation time and a hash of the fitted parameters.
    public init(vectorizer: HashingVectorizer, classifier: SentimentClassifier, hyperparameters: GridCell, threshold: Double = 0.5,
                labelRule: LabelRule, trainingData: TrainingDataInfo, metrics: TrainingReport, createdAt: Date = Date()) {
        precondition((0...1).contains(threshold))
        let idf = PackedArray.encode(vectorizer.idf)
        let classifierFile: ModelFile.Classifier
        switch classifier {
        case .linear(let model):
            classifierFile = .init(kind: .linear, hyperparameters: hyperparameters, threshold: threshold,
                                   linear: .init(bias: model.bias, weights: PackedArray.encode(model.weights)), forest: nil)
        case .forest(let model):
            classifierFile = .init(kind: .forest, hyperparameters: hyperparameters, threshold: threshold, linear: nil, forest: model.trees.map {
                .init(features: PackedArray.encode($0.features), thresholds: PackedArray.encode($0.thresholds),
                      leftChildren: PackedArray.encode($0.leftChildren), rightChildren: PackedArray.encode($0.rightChildren),
                      positiveFractions: PackedArray.encode($0.positiveFractions))
            })
        }
        // Whole milliseconds, so the timestamp text parses back to the same Date.
        let created = Date(timeIntervalSince1970: (createdAt.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        var fingerprint = ContentHash()
        fingerprint.add(idf)
        fingerprint.add((try? ModelFile.encoder.encode(classifierFile)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        fingerprint.add((try? ModelFile.encoder.encode(vectorizer.parameters)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        let stamp = ModelFile.timestamp(created)
        let compactStamp = stamp.prefix(19).filter { $0.isNumber || $0 == "T" }
        file = ModelFile(
            format: ModelFile.formatName, formatVersion: ModelFile.currentVersion,
            version: "\(compactStamp)-\(fingerprint.hex.prefix(8))", createdAt: stamp,
            labelRule: labelRule, trainingData: trainingData,
            vectorizer: .init(parameters: vectorizer.parameters, documentCount: vectorizer.documentCount, idf: idf),
            classifier: classifierFile, metrics: metrics)
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.createdAt = created
        self.table = Self.lookupTable(vectorizer, classifier)
    }

    private init(file: ModelFile, vectorizer: HashingVectorizer, classifier: SentimentClassifier, createdAt: Date,
                 table: BucketTable?) {
        self.file = file
        self.vectorizer = vectorizer
        self.classifier = classifier
        self.createdAt = createdAt
        self.table = table
    }

    /// The same model with other metrics recorded (the trainer adds held-out scores after the fit).
    public func with(metrics: TrainingReport) -> SentimentModel {
        var file = self.file
        file.metrics = metrics
        return SentimentModel(file: file, vectorizer: vectorizer, classifier: classifier, createdAt: createdAt,
                              table: table)
    }

    /// The model file: JSON with sorted keys; decoding it and encoding again gives the same bytes.
    public func encoded() throws -> Data {
        try ModelFile.encoder.encode(file)
    }

    /// Sentiment of a review's text.
    public func predict(_ text: String) -> SentimentPrediction {
        predict(text, summary: "")
    }

    /// Sentiment of a review's text and title; the title sharpens the prediction when the model was trained with titles.
    public func predict(_ text: String, summary: String) -> SentimentPrediction {
        predict(text, summary: summary) { _, _ in }
    }

    /// ``predict(_:summary:)`` that also adds the text's words to `words` — exactly the tokens a default
    /// ``Tokenizer`` returns — from the same scan of the text. The stream processor calls this for every review.
    public func predict(_ text: String, summary: String, countingWordsInto words: inout WordTally) -> SentimentPrediction {
        predict(text, summary: summary) { bytes, hash in words.add(bytes, hash: hash) }
    }

    @inline(__always)
    private func predict(_ text: String, summary: String, word: (UnsafeBufferPointer<UInt8>, UInt64) -> Void) -> SentimentPrediction {
        let probability = switch classifier {
        case .linear(let model):
            LogisticRegression.sigmoid(model.bias + vectorizer.dot(text: text, summary: summary, table: table!, word: word))
        case .forest(let model):
            model.probability(vectorizer.transform(
                HashingVectorizer.counts(text: text, summary: summary, parameters: vectorizer.parameters, word: word)))
        }
        return SentimentPrediction(probability: probability, threshold: file.classifier.threshold)
    }

    private static func decodeTree(_ tree: ModelFile.Tree, bucketCount: Int, index: Int) throws -> DecisionTree {
        guard let features = PackedArray.ints(tree.features), let thresholds = PackedArray.floats(tree.thresholds),
              let left = PackedArray.ints(tree.leftChildren), let right = PackedArray.ints(tree.rightChildren),
              let fractions = PackedArray.floats(tree.positiveFractions), !features.isEmpty,
              [thresholds.count, left.count, right.count, fractions.count].allSatisfy({ $0 == features.count })
        else { throw ModelFileError.corrupt("tree \(index): node arrays are invalid or of different lengths") }
        // Children always come after their parent, which rules out cycles; features must be real buckets.
        for node in features.indices where features[node] >= 0 {
            guard Int(features[node]) < bucketCount, left[node] > node, right[node] > node,
                  Int(left[node]) < features.count, Int(right[node]) < features.count
            else { throw ModelFileError.corrupt("tree \(index): node \(node) points outside the tree") }
        }
        return DecisionTree(features: features, thresholds: thresholds, leftChildren: left, rightChildren: right,
                            positiveFractions: fractions)
    }
}
