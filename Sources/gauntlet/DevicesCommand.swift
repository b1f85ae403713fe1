import ArgumentParser
import Foundation
import Gauntlet

/// `gauntlet devices`: every OpenCL platform and device, and the CPU backend.
struct DevicesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "devices", abstract: "List OpenCL platforms/devices and the CPU backend.")

  @Flag(help: "Print JSON instead of a table.")
  var json = false

  func run() throws {
    var platforms: [OpenCLPlatformInfo] = []
    var openCLError: String?
    do { platforms = try OpenCLRuntime.platforms() } catch { openCLError = "\(error)" }
    if json {
      struct Listing: Encodable { var cpu: String; var cores: Int; var opencl: [OpenCLPlatformInfo]; var openclError: String? }
      let enc = JSONEncoder()
      enc.outputFormatting = [.prettyPrinted, .sortedKeys]
      let data = try enc.encode(Listing(cpu: "cpu", cores: ProcessInfo.processInfo.activeProcessorCount,
                                        opencl: platforms, openclError: openCLError))
      print(String(decoding: data, as: UTF8.self))
      return
    }
    print("cpu      CPU backend (OpenBLAS GEMM + Swift), \(ProcessInfo.processInfo.activeProcessorCount) cores")
    if let openCLError {
      print("opencl   unavailable: \(openCLError)")
      return
    }
    var index = 0
    for (p, platform) in platforms.enumerated() {
      print("platform \(p): \(platform.name) (\(platform.vendor), \(platform.version))")
      for d in platform.devices {
        let gib = Double(d.globalMemoryBytes) / Double(1 << 30)
        print("  device \(index): \(d.name) [\(d.kind.rawValue)] \(d.vendor), \(d.version), driver \(d.driverVersion), "
              + "\(d.computeUnits) CUs, \(String(format: "%.1f", gib)) GiB global, \(d.localMemoryBytes / 1024) KiB local, "
              + "max work-group \(d.maxWorkGroupSize)")
        index += 1
      }
    }
    if index == 0 { print("opencl   no devices") }
  }
}
