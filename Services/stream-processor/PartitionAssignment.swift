/// How stream-processor instances share the topic's partitions.
enum PartitionAssignment: Sendable, Equatable {
    /// Kafka's group coordinator assigns partitions and rebalances when members come and go (production).
    case group
    /// Instance `index` of `count` reads the partitions p with p % count == index, with no coordinator. The local
    /// broker's coordinator never completes a rebalance after a member is killed with SIGKILL, so the local stack
    /// runs this way; exactly-once does not depend on the mode, since offsets live with the results.
    case fixed(index: Int, count: Int)

    /// Parses `group` or `static:I/N`.
    init?(_ text: String) {
        if text == "group" { self = .group; return }
        guard text.hasPrefix("static:") else { return nil }
        let parts = text.dropFirst("static:".count).split(separator: "/")
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), count > 0, (0..<count).contains(index) else { return nil }
        self = .fixed(index: index, count: count)
    }

    func owns(partition: Int32) -> Bool {
        switch self {
        case .group: true
        case .fixed(let index, let count): Int(partition) % count == index
        }
    }
}
