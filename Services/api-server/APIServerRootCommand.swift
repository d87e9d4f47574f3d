import ArgumentParser
import ServiceSupport

/// `api-server`: runs the server (the default subcommand, so `api-server --port 3002` still starts it) or manages
/// accounts (`api-server users …`).
@main
struct APIServerRootCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-server",
        abstract: "Accepts reviews over HTTP, publishes them to Kafka, and serves the results the stream processor writes.",
        discussion: "Without a subcommand it runs the server (`serve`); `api-server serve --help` lists the server's options.",
        subcommands: [APIServerCommand.self, UsersCommand.self],
        defaultSubcommand: APIServerCommand.self
    )

    /// The entry point: request handlers run on NIO's event loops (``EventLoopConcurrency``); the database and the
    /// broker are reached from threads of their own.
    static func main() async {
        EventLoopConcurrency.install()
        await main(nil)
    }
}
