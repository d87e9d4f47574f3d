import Foundation
import Synchronization

/// Training progress on stderr: a redrawn bar when stderr is a terminal, otherwise a line per 10 %; never on stdout,
/// so `--json` output stays one clean object.
final class ProgressBar: Sendable {
    private struct Drawn {
        var at = Date.distantPast
        var decile = -1
    }

    /// What was last drawn; the lock also keeps two threads' updates from interleaving on stderr.
    private let drawn = Mutex(Drawn())
    private let interactive = isatty(STDERR_FILENO) == 1
    private let quiet: Bool
    private let width = 30

    init(quiet: Bool = false) {
        self.quiet = quiet
    }

    func update(_ fraction: Double, _ label: String) {
        guard !quiet else { return }
        drawn.withLock { drawn in
            let percent = Int((fraction * 100).rounded(.down))
            if interactive {
                let now = Date()
                guard fraction >= 1 || now.timeIntervalSince(drawn.at) >= 0.1 else { return }
                drawn.at = now
                let filled = Int(fraction * Double(width))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                let text = String(label.prefix(60))
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(bar) \(String(format: "%3d", percent))%  \(text)".utf8))
            } else if percent / 10 > drawn.decile {
                drawn.decile = percent / 10
                FileHandle.standardError.write(Data("training: \(percent)%  \(label)\n".utf8))
            }
        }
    }

    /// Ends the bar's line.
    func finish() {
        guard !quiet, interactive else { return }
        drawn.withLock { _ in FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
