import Foundation
import GauntletCore

/// Where and with what an experiment ran: versions, OS, cores, and the device of each backend.
public struct RunEnvironment: Sendable, Hashable, Codable {
  public var gauntlet: String
  public var swift: String
  public var os: String
  public var cores: Int
  /// Backend config name → device name.
  public var devices: [String: String]
  /// ISO 8601 time the outputs were written.
  public var written: String

  public static func current(devices: [String: String]) -> RunEnvironment {
    #if compiler(>=6.3)
    let swift = "6.3+"
    #elseif compiler(>=6.0)
    let swift = "6.x"
    #else
    let swift = "5.x"
    #endif
    return RunEnvironment(gauntlet: GauntletVersion.string, swift: swift,
                          os: ProcessInfo.processInfo.operatingSystemVersionString,
                          cores: ProcessInfo.processInfo.activeProcessorCount, devices: devices,
                          written: ISO8601DateFormatter().string(from: Date()))
  }
}
