import ArgumentParser

@main
struct TrainerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trainer",
        abstract: "Trains and evaluates the review sentiment model; computes similar products.",
        discussion: """
        `trainer --data FILE --out model.json` trains (the `train` subcommand is the default); `trainer evaluate \
        --model model.json --data FILE` scores a labelled file. Data files are McAuley-style JSON lines \
        ({"reviewText", "overall", "summary"?}), plain or gzip; a review is positive when overall > 3.
        """,
        subcommands: [TrainCommand.self, EvaluateCommand.self, PublishCommand.self, ModelsCommand.self, ActivateCommand.self,
                      SimilarCommand.self],
        defaultSubcommand: TrainCommand.self
    )
}
