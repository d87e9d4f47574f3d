import Foundation

/// Renders `BSON` as relaxed extended JSON; written in Swift so rendering never fails or round-trips through C.
enum ExtendedJSONWriter {
    static func write(_ value: BSON, into output: inout String) {
        switch value {
        case .double(let number):
            if number.isNaN {
                output += #"{"$numberDouble":"NaN"}"#
            } else if number.isInfinite {
                output += number < 0 ? #"{"$numberDouble":"-Infinity"}"# : #"{"$numberDouble":"Infinity"}"#
            } else if number == number.rounded(), abs(number) < 1e15 {
                // Keep a fractional part so the reader sees a double, as libbson does ("1.0").
                output += String(format: "%.1f", number)
            } else {
                output += "\(number)"
            }
        case .string(let string):
            writeString(string, into: &output)
        case .document(let document):
            output += "{"
            var first = true
            for (key, element) in document {
                if !first { output += "," }
                first = false
                writeString(key, into: &output)
                output += ":"
                write(element, into: &output)
            }
            output += "}"
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                write(element, into: &output)
            }
            output += "]"
        case .bool(let flag):
            output += flag ? "true" : "false"
        case .null:
            output += "null"
        case .int32(let number):
            output += String(number)
        case .int64(let number):
            output += String(number)
        case .date(let date):
            let milliseconds = BSONDate.milliseconds(of: date)
            // Relaxed form uses ISO-8601 only for years 1970...9999; other dates use the canonical form.
            if milliseconds >= 0 && milliseconds < 253_402_300_800_000 {
                output += #"{"$date":""# + iso8601(milliseconds: milliseconds) + #""}"#
            } else {
                output += #"{"$date":{"$numberLong":""# + String(milliseconds) + #""}}"#
            }
        case .objectId(let hex):
            output += #"{"$oid":""# + hex + #""}"#
        }
    }

    private static func iso8601(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds % 1000))
    }

    private static func writeString(_ string: String, into output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    output += String(format: "\\u%04x", scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
