import Foundation

/// Runs the independent Python reference scripts in `scripts/reference/` (nibabel, scipy) from
/// tests, with the project's venv (`.venv`, made by `scripts/install-deps.sh`) or the
/// interpreter named by `LESIONMTR_PYTHON`.
public enum Reference {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python interpreter that has nibabel, numpy and scipy.
    public static var python: String {
        ProcessInfo.processInfo.environment["LESIONMTR_PYTHON"]
            ?? packageRoot.appendingPathComponent(".venv/bin/python").path
    }

    /// A failure of a reference script, with its stderr.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `scripts/reference/<script>` with `arguments` and returns its standard output.
    public static func run(_ script: String, _ arguments: [String], currentDirectory: String? = nil) throws -> Data {
        try runProcess(python, [scriptPath(script)] + arguments, currentDirectory: currentDirectory).stdout
    }

    /// The absolute path of `scripts/reference/<script>`.
    public static func scriptPath(_ script: String) -> String {
        packageRoot.appendingPathComponent("scripts/reference/\(script)").path
    }

    /// Runs a Python snippet (`python -c`) and returns its standard output as text.
    public static func evaluate(_ code: String, _ arguments: [String] = []) throws -> String {
        String(decoding: try runProcess(python, ["-c", code] + arguments).stdout, as: UTF8.self)
    }
}

/// The outcome of a finished child process.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: Data
    public var stderr: String
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}

/// Runs `executable` with `arguments` to completion, capturing both streams. Throws when it
/// cannot start; with `check` (default) also when it exits non-zero.
@discardableResult
public func runProcess(_ executable: String, _ arguments: [String], check: Bool = true,
                       currentDirectory: String? = nil) throws -> ProcessResult {
    guard FileManager.default.isExecutableFile(atPath: executable) else {
        throw Reference.Failure(description: "\(executable) not found: run scripts/install-deps.sh (or set LESIONMTR_PYTHON)")
    }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    if let currentDirectory { p.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
    // stderr goes to a file and stdout is drained while the process runs, so that neither
    // stream can fill and block the child.
    let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("stderr-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errURL) }
    let errHandle = try FileHandle(forWritingTo: errURL)
    let out = Pipe()
    p.standardOutput = out
    p.standardError = errHandle
    try p.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    try? errHandle.close()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    let result = ProcessResult(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    if check && result.status != 0 {
        throw Reference.Failure(description: "\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)")
    }
    return result
}

/// A fresh empty folder under the system temporary directory.
public func makeTemporaryDirectory(_ label: String = "lesionmtr-test") -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
