/// BSON arrays are documents keyed "0", "1", ...; the common small indices are prebuilt to avoid formatting.
enum ArrayIndexKeys {
    private static let cached: [String] = (0..<256).map(String.init)

    static func key(_ index: Int) -> String {
        index < cached.count ? cached[index] : String(index)
    }
}
