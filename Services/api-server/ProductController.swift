import Foundation
import Hummingbird
import ReviewAnalysis
import ReviewContracts
import ServiceSupport

/// The product endpoints: the paged catalog, the top list, a product's page and reviews, and search. Read-only and
/// anonymous; every limit is stated in its error, and bad input is a 4xx JSON `{"error", "detail"}`.
struct ProductController<Repository: ProductRepository>: Sendable {
    let repository: Repository
    static var maxQueryCharacters: Int { 100 }

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/api/v1/products") { request, _ -> ProductPage in
            let parameters = request.uri.queryParameters
            let limit = try Self.integer(parameters.get("limit"), name: "limit", default: 20, range: 1...100)
            let order = try Self.order(parameters.get("sort"), name: "sort", default: .reviews)
            let offset = try parameters.get("cursor").map { try Self.offset(cursor: $0, order: order) } ?? 0
            let products = try await repository.products(order: order, offset: offset, limit: limit + 1)
            return ProductPage(
                products: products.prefix(limit).map { ProductView($0) },
                nextCursor: products.count > limit ? Self.cursor(order: order, offset: offset + limit) : nil,
                total: try await repository.productCount()
            )
        }
        router.get("/api/v1/products/top") { request, _ -> [ProductView] in
            let parameters = request.uri.queryParameters
            let limit = try Self.integer(parameters.get("limit"), name: "limit", default: 10, range: 1...50)
            let order = try Self.order(parameters.get("by"), name: "by", default: .reviews, allowed: [.reviews, .rating])
            return try await repository.top(order: order, limit: limit, minimumReviews: ProductOrder.minimumReviewsToRank).map { ProductView($0) }
        }
        router.get("/api/v1/products/{id}") { _, context -> ProductView in
            let id = try context.parameters.require("id")
            guard let product = try await repository.product(id: id) else { throw Self.unknown(id) }
            let neighbours = try await repository.similar(id: id)?.similar ?? []
            let names = Dictionary(uniqueKeysWithValues: try await repository.products(ids: neighbours.map(\.id)).map { ($0.id, $0.name) })
            return ProductView(product, similar: neighbours.map { .init(id: $0.id, name: names[$0.id] ?? nil, score: $0.score) })
        }
        router.get("/api/v1/products/{id}/reviews") { request, context -> ProductReviewPage in
            let id = try context.parameters.require("id")
            let parameters = request.uri.queryParameters
            let limit = try Self.integer(parameters.get("limit"), name: "limit", default: 20, range: 1...100)
            let before = try parameters.get("before").map { try Self.integer($0, name: "before", default: 0, range: 1...Int.max) }
            guard try await repository.product(id: id) != nil else { throw Self.unknown(id) }
            let reviews = try await repository.reviews(productID: id, before: before, limit: limit + 1)
            return ProductReviewPage(reviews: Array(reviews.prefix(limit)), nextBefore: reviews.count > limit ? reviews[limit - 1].seq : nil)
        }
        router.get("/api/v1/search") { request, _ -> SearchResults in
            let parameters = request.uri.queryParameters
            let limit = try Self.integer(parameters.get("limit"), name: "limit", default: 10, range: 1...50)
            let words = try Self.words(parameters.get("q"))
            // One document per query word from the search index (by `_id`), then the page of products and the
            // reviews it names, each by `_id`: three small reads however common the words are.
            let ranking = SearchRanking(terms: try await repository.searchTerms(words))
            let ids = Array(ranking.products.prefix(limit))
            let reviewIDs = Array(ranking.reviews.prefix(limit))
            async let found = repository.products(ids: ids)
            async let usedBy = repository.reviews(ids: reviewIDs)
            let products = Dictionary(try await found.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let reviews = Dictionary(try await usedBy.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            return SearchResults(
                query: words, products: ids.compactMap { products[$0] }.map { ProductView($0) }, reviews: reviewIDs.compactMap { reviews[$0] }
            )
        }
    }

    /// The query's searchable words, as the word count splits text (case and punctuation do not matter).
    static func words(_ query: String?) throws -> [String] {
        guard let query, !query.allSatisfy(\.isWhitespace) else {
            throw APIError(.badRequest, "invalid_query", "q must hold at least one word.")
        }
        guard query.count <= maxQueryCharacters else {
            throw APIError(.badRequest, "invalid_query", "q must be at most \(maxQueryCharacters) characters; got \(query.count).")
        }
        var seen = Set<String>()
        let words = Tokenizer().tokens(in: query).filter { seen.insert($0).inserted }
        guard !words.isEmpty else {
            throw APIError(.badRequest, "invalid_query", "q holds no searchable word (only punctuation or words too common to search for).")
        }
        return Array(words.prefix(10))
    }

    static func unknown(_ id: String) -> APIError {
        APIError(.notFound, "unknown_product", "No product has the id \"\(id)\".")
    }

    static func integer(_ raw: String?, name: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let raw else { return fallback }
        guard let value = Int(raw), range.contains(value) else {
            let bound = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw APIError(.badRequest, "invalid_\(name)", "\(name) must be an integer \(bound); got \"\(raw)\".")
        }
        return value
    }

    static func order(_ raw: String?, name: String, default fallback: ProductOrder, allowed: [ProductOrder] = ProductOrder.allCases) throws -> ProductOrder {
        guard let raw else { return fallback }
        guard let order = ProductOrder(rawValue: raw), allowed.contains(order) else {
            throw APIError(.badRequest, "invalid_\(name)", "\(name) must be one of \(allowed.map(\.rawValue).joined(separator: ", ")); got \"\(raw)\".")
        }
        return order
    }

    /// An opaque cursor: the order and the offset of the next page, so a cursor is refused with another order.
    /// URL-safe base64 without padding, so it goes into a query string as it is.
    static func cursor(order: ProductOrder, offset: Int) -> String {
        Data("\(order.rawValue):\(offset)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func offset(cursor: String, order: ProductOrder) throws -> Int {
        var base64 = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            throw APIError(.badRequest, "invalid_cursor", "cursor is not one this API handed out.")
        }
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0] == order.rawValue, let offset = Int(parts[1]), offset >= 0 else {
            throw APIError(.badRequest, "invalid_cursor", "cursor belongs to another sort order or is damaged; start again without it.")
        }
        return offset
    }
}
