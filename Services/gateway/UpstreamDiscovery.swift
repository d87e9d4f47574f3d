import Foundation
import Logging
import ServiceLifecycle

/// Keeps the pool's upstreams equal to the addresses a DNS name resolves to, re-resolving it on a fixed interval.
///
/// Pointed at a headless Service, the name resolves to one address per ready api-server pod, so the gateway balances,
/// health-checks and ejects each pod on its own: one failed pod leaves the pool alone instead of hiding behind a
/// ClusterIP that still sends it a share of the requests. Pods that appear join; pods that are gone leave.
struct UpstreamDiscovery: Service {
    /// A DNS name and the port every address it resolves to serves on.
    struct Target: Sendable, Equatable, CustomStringConvertible {
        let host: String
        let port: Int

        /// Parses `name:port`, e.g. `api-server-pods:3001`; nil for anything else.
        init?(_ string: String) {
            let parts = string.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
            host = String(parts[0])
            self.port = port
        }

        var description: String { "\(host):\(port)" }

        /// The upstream for one resolved address; IPv6 addresses go in brackets.
        func upstream(at address: String) -> Upstream? {
            Upstream(address.contains(":") ? "http://[\(address)]:\(port)" : "http://\(address):\(port)")
        }
    }

    let target: Target
    let interval: Duration
    let pool: UpstreamPool
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await refresh()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Resolves the name once and applies the answer to the pool; a failed lookup keeps the current upstreams.
    func refresh() async {
        do {
            let addresses = try await HostAddressResolver.addresses(of: target.host)
            let change = pool.update(discovered: addresses.compactMap(target.upstream(at:)))
            if addresses.isEmpty {
                logger.warning("upstream discovery found no address; keeping the current upstreams", metadata: ["name": "\(target)"])
            } else if !change.isEmpty {
                logger.notice("upstreams discovered", metadata: [
                    "name": "\(target)",
                    "joined": "\(change.joined.map(\.name).joined(separator: ","))",
                    "left": "\(change.left.map(\.name).joined(separator: ","))",
                ])
            }
        } catch {
            logger.warning("upstream discovery failed; keeping the current upstreams", metadata: ["name": "\(target)", "error": "\(error)"])
        }
    }
}
