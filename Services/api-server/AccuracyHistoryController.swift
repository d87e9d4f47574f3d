import Hummingbird
import ServiceSupport

/// `GET /api/v1/accuracy/history?points=` — the whole accuracy history downsampled for a chart (``AccuracyHistory``).
struct AccuracyHistoryController: Sendable {
    let history: AccuracyHistory

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/api/v1/accuracy/history") { request, _ -> [AccuracyPoint] in
            let points = try ProductController<MongoProductRepository>.integer(
                request.uri.queryParameters.get("points"), name: "points", default: 300, range: 2...2000)
            return try await history.downsampled(points: points)
        }
    }
}
