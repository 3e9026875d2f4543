import ArgumentParser
import Foundation
import LesionMTR
import NIfTI
import TrialStats

extension ModelPreset: ExpressibleByArgument {}
extension ModelSpecification.Method: ExpressibleByArgument {}
extension ModelSpecification.Covariance: ExpressibleByArgument {}

/// Parses `--where column=value` / `column!=value`.
extension RowFilter: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// The sysexits code of a modelling error: 66 for a missing file, 65 for bad data, 64 for usage.
func sysexitCode(for error: Error) -> Int32 {
    switch error {
    case let e as DataFrameError:
        if case .missing = e { return 66 }
        return 65
    case let e as ModelError:
        switch e {
        case .badFormula, .invalidArgument: return 64
        case .missingInput: return 66
        default: return 65
        }
    case let e as NIfTIError: return e.exitCode
    case is Manifest.Failure: return 65
    default: return 65
    }
}

/// Runs a command body, turning any error but `ExitCode` into one line on stderr and its sysexits
/// code (`sysexitCode(for:)`).
func exitingOnError(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        printError("\(error)")
        throw ExitCode(sysexitCode(for: error))
    }
}

/// Writes a result file, or fails with one line and exit code 73 (cannot create output).
func writeResult(_ text: String, to path: String) throws {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        printError("\(path): cannot write: \(error.localizedDescription)")
        throw ExitCode(73)
    }
}
