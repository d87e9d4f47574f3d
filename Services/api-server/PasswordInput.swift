import ArgumentParser
import Foundation

/// Reads a new password from standard input, never from a flag: flags show up in `ps` and shell history.
enum PasswordInput {
    /// The first line of standard input, without its line ending, checked as a new password.
    static func read() throws -> String {
        guard let line = Swift.readLine(strippingNewline: true) else {
            throw ValidationError("no password on standard input (e.g. printf '%s\\n' \"$PASSWORD\" | api-server users add NAME --password-stdin)")
        }
        let password = line.hasSuffix("\r") ? String(line.dropLast()) : line
        if let problem = PasswordHasher.problem(with: password) { throw ValidationError(problem) }
        return password
    }
}
