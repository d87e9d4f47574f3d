/// What an account may do: a `user` posts reviews and has a profile; an `admin` also runs simulations, manages the
/// system and reads the unpaced event stream.
public enum UserRole: String, Codable, Sendable, CaseIterable {
    case user
    case admin
}
