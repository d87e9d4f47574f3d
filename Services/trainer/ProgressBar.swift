import Foundation

/// Training progress on stderr: a redrawn bar when stderr is a terminal, otherwise a line per 10 %; never on stdout,
/// so `--json` output stays one clean object.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) == 1
    private let quiet: Bool
    private var lastDrawn = Date.distantPast
    private var lastDecile = -1
    private let width = 30

    init(quiet: Bool = false) {
        self.quiet = quiet
    }

    func update(_ fraction: Double, _ label: String) {
        guard !quiet else { return }
        lock.withLock {
            let percent = Int((fraction * 100).rounded(.down))
            if interactive {
                let now = Date()
                guard fraction >= 1 || now.timeIntervalSince(lastDrawn) >= 0.1 else { return }
                lastDrawn = now
                let filled = Int(fraction * Double(width))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                let text = String(label.prefix(60))
                FileHandle.standardError.write(Data("\r\u{1B}[2K\(bar) \(String(format: "%3d", percent))%  \(text)".utf8))
            } else if percent / 10 > lastDecile {
                lastDecile = percent / 10
                FileHandle.standardError.write(Data("training: \(percent)%  \(label)\n".utf8))
            }
        }
    }

    /// Ends the bar's line.
    func finish() {
        guard !quiet, interactive else { return }
        lock.withLock { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
