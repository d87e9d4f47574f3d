import ArgumentParser
import Foundation
import ServiceSupport
import Settings

/// The new password of a `users` command: read from standard input, never from a flag (flags show up in `ps` and
/// shell history), and hashed at the chosen bcrypt cost.
struct PasswordInput: ParsableArguments {
    @Flag(help: "Read the password from the first line of standard input (required; at least 10 characters).")
    var passwordStdin = false
    @Option(help: "bcrypt cost, 12–16 [env: BCRYPT_COST].")
    var bcryptCost = EnvironmentDefault.int("BCRYPT_COST", 12)

    func validate() throws {
        guard passwordStdin else { throw ValidationError("pass the password on standard input with --password-stdin") }
        guard (12...16).contains(bcryptCost) else { throw ValidationError("--bcrypt-cost must be 12–16") }
    }

    /// The bcrypt hash of the first line of standard input, checked as a new password.
    func readHash() async throws -> String {
        guard let line = Swift.readLine(strippingNewline: true) else {
            throw ValidationError("no password on standard input (e.g. printf '%s\\n' \"$PASSWORD\" | api-server users add NAME --password-stdin)")
        }
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        if let problem = PasswordHasher.problem(with: password) { throw ValidationError(problem) }
        return try await PasswordHasher(cost: UInt8(bcryptCost)).hash(password)
    }
}
