import ArgumentParser
import Settings

/// The HTTP connection limits both public servers (the gateway and the api-server) take: idle keep-alive connections
/// and open event streams.
public struct ConnectionLimitOptions: ParsableArguments {
    @Option(help: "Seconds an idle keep-alive connection stays open [env: IDLE_TIMEOUT].")
    public var idleTimeout = EnvironmentDefault.int("IDLE_TIMEOUT", 60)
    @Option(help: "Open event streams allowed per client address; beyond it 429 [env: MAX_STREAMS_PER_CLIENT].")
    public var maxStreamsPerClient = EnvironmentDefault.int("MAX_STREAMS_PER_CLIENT", 8)
    @Option(help: "Open event streams allowed in all; beyond it 429 [env: MAX_STREAMS].")
    public var maxStreams = EnvironmentDefault.int("MAX_STREAMS", 5000)

    public init() {}

    public func validate() throws {
        guard idleTimeout > 0 else { throw ValidationError("--idle-timeout must be positive") }
        guard maxStreamsPerClient > 0, maxStreams > 0 else { throw ValidationError("--max-streams-per-client and --max-streams must be positive") }
    }
}
