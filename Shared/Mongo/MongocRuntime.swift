import CMongoc
import Logging

/// Process-wide libmongoc set-up: `mongoc_init` exactly once, and libmongoc's own log lines routed to swift-log
/// (label "mongoc") instead of stderr.
enum MongocRuntime {
    private static let initialized: Void = {
        mongoc_init()
        mongoc_log_set_handler({ level, domain, message, _ in
            MongocRuntime.forward(level: level, domain: domain, message: message)
        }, nil)
    }()

    // Created on first use so it picks up the application's LoggingSystem.bootstrap.
    private static let logger = Logger(label: "mongoc")

    static func ensureInitialized() {
        _ = initialized
    }

    private static func forward(
        level: mongoc_log_level_t, domain: UnsafePointer<CChar>?, message: UnsafePointer<CChar>?
    ) {
        let text = message.map { String(cString: $0) } ?? ""
        let source = domain.map { String(cString: $0) } ?? "mongoc"
        let swiftLevel: Logger.Level
        switch level {
        case MONGOC_LOG_LEVEL_ERROR, MONGOC_LOG_LEVEL_CRITICAL: swiftLevel = .error
        case MONGOC_LOG_LEVEL_WARNING: swiftLevel = .warning
        case MONGOC_LOG_LEVEL_MESSAGE, MONGOC_LOG_LEVEL_INFO: swiftLevel = .info
        case MONGOC_LOG_LEVEL_DEBUG: swiftLevel = .debug
        default: swiftLevel = .trace
        }
        logger.log(level: swiftLevel, "\(text)", metadata: ["mongoc.domain": "\(source)"])
    }
}
