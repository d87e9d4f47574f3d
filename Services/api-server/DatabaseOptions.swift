import ArgumentParser
import ServiceSupport
import Settings

/// Where the account commands find the database: the same flags and environment as the server.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "MongoDB connection string [env: MONGO_URI].")
    var mongoURI = EnvironmentDefault.string("MONGO_URI", "mongodb://127.0.0.1:27017/?replicaSet=secantus")
    @Option(help: "MongoDB database holding the accounts [env: MONGO_DB].")
    var mongoDB = EnvironmentDefault.string("MONGO_DB", "sdtddb")
}
