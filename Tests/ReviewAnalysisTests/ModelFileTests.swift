import Foundation
import ReviewAnalysis
import Testing

struct ModelFileTests {
    static func trainedModel(kind: ModelKind, threshold: Double = 0.5) -> SentimentModel {
        let reviews = ToyData.separable()
        let outcome = SentimentTrainer(configuration: .init(kind: kind, folds: 2, vectorizer: ToyData.unigrams,
                                                            forestTrees: [3], forestDepths: [3], regularization: [10]))
            .train(reviews)
        let report = TrainingReport(seed: 42, folds: 2, testFraction: 0, crossValidation: outcome.crossValidation,
                                    winner: outcome.winner, heldOut: nil, trainSeconds: 0.25)
        return SentimentModel(vectorizer: outcome.vectorizer, classifier: outcome.classifier, hyperparameters: outcome.winner,
                              threshold: threshold, labelRule: LabelRule(), trainingData: .init(sha256: "00", source: "toy", reviews: 60, positives: 40),
                              metrics: report, createdAt: Date(timeIntervalSince1970: 1_790_000_000.123456))
    }

    @Test(arguments: ModelKind.allCases)
    func modelFileRoundTripsBitForBit(kind: ModelKind) throws {
        let model = Self.trainedModel(kind: kind)
        let data = try model.encoded()
        let loaded = try SentimentModel(data: data)
        #expect(try loaded.encoded() == data)
        #expect(loaded.version == model.version && loaded.createdAt == model.createdAt)
        #expect(loaded.classifier == model.classifier && loaded.kind == kind)
        #expect(loaded.metrics == model.metrics && loaded.labelRule == model.labelRule)
        for review in ToyData.separable(count: 10, seed: 99) {
            #expect(loaded.predict(review.text) == model.predict(review.text))
        }
    }

    @Test func versionIdNamesTheCreationTimeAndTheParameters() {
        let model = Self.trainedModel(kind: .linear)
        #expect(model.version.hasPrefix("20260921T"))
        #expect(model.version.count == "20260921T140320-0123abcd".count)
        #expect(model.predict("love it").label == .positive && model.predict("awful").label == .negative)
    }

    @Test func predictLabelsFromTheModelsThresholdAndTheFileKeepsIt() throws {
        let strict = try SentimentModel(data: Self.trainedModel(kind: .linear, threshold: 0.999).encoded())
        let prediction = strict.predict("love it")
        #expect(strict.threshold == 0.999)
        #expect(prediction.probability > 0.5 && prediction.label == .negative)
        #expect(Self.trainedModel(kind: .linear).predict("love it").label == .positive)
    }

    @Test func corruptOrForeignFilesAreRejectedWithAClearError() throws {
        let valid = try JSONSerialization.jsonObject(with: Self.trainedModel(kind: .linear).encoded()) as! [String: Any]
        func load(_ object: [String: Any]) throws { _ = try SentimentModel(data: JSONSerialization.data(withJSONObject: object)) }

        #expect(throws: ModelFileError.self) { try SentimentModel(data: Data("not json".utf8)) }
        #expect(throws: ModelFileError.self) { try SentimentModel(data: Data()) }
        let data = try Self.trainedModel(kind: .linear).encoded()
        #expect(throws: ModelFileError.self) { try SentimentModel(data: data.prefix(data.count / 2)) }

        var foreign = valid
        foreign["format"] = "something-else"
        #expect(throws: ModelFileError.notAModelFile(format: "something-else")) { try load(foreign) }

        var future = valid
        future["formatVersion"] = 99
        #expect(throws: ModelFileError.unsupportedFormatVersion(found: 99, supported: 1)) { try load(future) }
        #expect(ModelFileError.unsupportedFormatVersion(found: 99, supported: 1).description.contains("version 99"))

        var missing = valid
        missing.removeValue(forKey: "vectorizer")
        #expect(throws: ModelFileError.corrupt("missing field \"vectorizer\"")) { try load(missing) }

        var shortWeights = valid
        var classifier = valid["classifier"] as! [String: Any]
        classifier["linear"] = ["bias": 0.5, "weights": Data([0, 0, 128, 63]).base64EncodedString()]
        shortWeights["classifier"] = classifier
        #expect(throws: ModelFileError.self) { try load(shortWeights) }
    }

    @Test func corruptForestTreesAreRejected() throws {
        var object = try JSONSerialization.jsonObject(with: Self.trainedModel(kind: .forest).encoded()) as! [String: Any]
        var classifier = object["classifier"] as! [String: Any]
        var trees = classifier["forest"] as! [[String: Any]]
        // A root split whose children point back at the root would loop forever.
        func packed(_ values: [Int32]) -> String {
            Data(values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }).base64EncodedString()
        }
        trees[0]["features"] = packed([5, -1, -1])
        trees[0]["leftChildren"] = packed([0, -1, -1])
        trees[0]["rightChildren"] = packed([0, -1, -1])
        trees[0]["thresholds"] = Data(count: 12).base64EncodedString()
        trees[0]["positiveFractions"] = Data(count: 12).base64EncodedString()
        classifier["forest"] = trees
        object["classifier"] = classifier
        #expect(throws: ModelFileError.self) { try SentimentModel(data: JSONSerialization.data(withJSONObject: object)) }
    }
}
