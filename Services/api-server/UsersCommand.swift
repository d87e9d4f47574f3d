import ArgumentParser

/// `api-server users add|list|remove|set-password`: account management against the configured database.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage user accounts in the database (passwords are read from standard input and stored as bcrypt hashes).",
        subcommands: [UsersAddCommand.self, UsersListCommand.self, UsersRemoveCommand.self, UsersSetPasswordCommand.self]
    )
}
