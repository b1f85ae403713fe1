import ArgumentParser
import Foundation
import Gauntlet

extension BackendChoice: ExpressibleByArgument {}

/// `--backend cpu|opencl|auto` and `--device N`, shared by every command that computes.
struct BackendOptions: ParsableArguments {
  @Option(help: "Backend: cpu, opencl or auto (default: $GAUNTLET_BACKEND, else auto).")
  var backend: BackendChoice?

  @Option(help: "OpenCL device index, as listed by `gauntlet devices`.")
  var device: Int?

  func make() throws -> Backend {
    let choice = try backend ?? BackendChoice.fromEnvironment()
    if device != nil && choice == .cpu {
      throw ValidationError("--device selects an OpenCL device; use it with --backend opencl")
    }
    // A device index names an OpenCL device: with `auto` it must not be ignored silently.
    return try (device != nil && choice == .auto ? .opencl : choice).make(device: device)
  }
}

/// Writes `text` to standard error with a newline.
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}
