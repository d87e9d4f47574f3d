import Settings
import Testing

@Suite("Settings from the environment: one reader, one boolean syntax, bad values reported")
struct EnvironmentReaderTests {
    @Test("set values win over the built-in default; unset and empty ones fall back to it")
    func valuesAndFallbacks() {
        var reader = EnvironmentReader(["HOST": "0.0.0.0", "PORT": "8080", "RATE": "2.5", "EMPTY": "", "FLAG": "on"])
        #expect(reader.string("HOST", "127.0.0.1") == "0.0.0.0")
        #expect(reader.string("EMPTY", "fallback") == "fallback")
        #expect(reader.optionalString("EMPTY") == nil)
        #expect(reader.optionalString("HOST") == "0.0.0.0")
        let port = reader.int("PORT", 1), missingInt = reader.int("MISSING", 7), rate = reader.double("RATE", 1)
        let flag = reader.bool("FLAG", false), missingFlag = reader.bool("MISSING", true)
        #expect(port == 8080 && missingInt == 7 && rate == 2.5)
        #expect(flag && missingFlag)
        #expect(reader.problems.isEmpty)
    }

    @Test("every boolean reads the same words, in any case, and nothing else")
    func oneBooleanSyntax() {
        for word in ["true", "TRUE", "1", "yes", "On"] { #expect(EnvironmentDefault.boolean(word) == true, "\(word)") }
        for word in ["false", "False", "0", "no", "OFF"] { #expect(EnvironmentDefault.boolean(word) == false, "\(word)") }
        for word in ["", "2", "y", "enabled", "truee"] { #expect(EnvironmentDefault.boolean(word) == nil, "\(word)") }
    }

    @Test("a value that does not parse is never silently replaced by the default: it is named in the problems")
    func badValuesAreReported() {
        var reader = EnvironmentReader(["PORT": "80a", "RATE": "fast", "TRUST": "maybe", "OK": "3"])
        let port = reader.int("PORT", 9000), rate = reader.double("RATE", 1), trust = reader.bool("TRUST", false), ok = reader.int("OK", 0)
        #expect(port == 9000 && rate == 1 && trust == false && ok == 3)
        _ = reader.int("PORT", 9000)
        #expect(reader.problems == ["PORT=80a is not a whole number", "RATE=fast is not a number", "TRUST=maybe is not true or false"])
    }
}
