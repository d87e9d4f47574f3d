import Testing

@testable import Gateway

@Suite("gateway command line")
struct GatewayCommandTests {
    @Test func oneEventLoopUnlessToldOtherwise() throws {
        let parsed = try GatewayCommand.parseAsRoot([]) as? GatewayCommand
        #expect(parsed?.threads == 1)
        let two = try GatewayCommand.parseAsRoot(["--threads", "2"]) as? GatewayCommand
        #expect(two?.threads == 2)
    }

    @Test(arguments: ["0", "-1", "257", "two"])
    func aThreadCountOutOfRangeIsRefused(_ value: String) {
        do {
            _ = try GatewayCommand.parseAsRoot(["--threads", value])
            Issue.record("--threads \(value) was accepted")
        } catch {
            let message = GatewayCommand.message(for: error)
            #expect(message.contains("threads"), "\(message)")
        }
    }
}
