import Hummingbird

/// `GET /api/v1/products`: one page of the catalog, the cursor of the next (nil on the last page) and how many
/// products there are.
struct ProductPage: ResponseEncodable, Equatable {
    let products: [ProductView]
    let nextCursor: String?
    let total: Int
}
