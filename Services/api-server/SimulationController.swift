import Foundation
import Hummingbird
import ReviewContracts
import ServiceSupport

/// Admin-only server-side simulations, which replace the management page's browser loop.
///
/// - `POST /api/v1/simulate {count}` (1–5000) → 202 with the job; 409 while one runs; 503 without the dataset file.
/// - `GET /api/v1/simulate` → the newest job and its progress; 204 when none ever ran (the management page asks on
///   every visit, and a 404 would be logged as an error in the browser's console).
/// Anonymous callers get 401, users 403.
struct SimulationController: Sendable {
    let runner: SimulationRunner

    func addRoutes(to router: Router<APIRequestContext>) {
        router.post("/api/v1/simulate") { request, context -> Response in
            let admin = try context.requireAdmin()
            let form = try await AccountController.decode(SimulationRequest.self, from: request)
            guard form.count.rounded() == form.count, (1...Double(SimulationRunner.maxCount)).contains(form.count) else {
                throw APIError(.unprocessableContent, "invalid_count", "count must be an integer from 1 to \(SimulationRunner.maxCount); got \(form.count).")
            }
            do {
                return try AccountController.json(try await runner.start(count: Int(form.count), requestedBy: admin.id), status: .accepted)
            } catch SimulationError.alreadyRunning(let job) {
                throw APIError(.conflict, "simulation_running", "Simulation \(job.id) is still running (\(job.published + job.failed) of \(job.count)).")
            } catch SimulationError.datasetUnavailable(let path) {
                throw APIError(.serviceUnavailable, "dataset_unavailable", "The dataset \(path) is missing or empty; run scripts/local/dataset.")
            }
        }
        router.get("/api/v1/simulate") { _, context -> Response in
            _ = try context.requireAdmin()
            guard let job = try await runner.latest() else { return Response(status: .noContent) }
            return try AccountController.json(job, status: .ok)
        }
    }
}

struct SimulationRequest: Decodable {
    /// A JSON number; read as a double so that 1.5 is told apart from a string and refused as not whole.
    let count: Double
}
