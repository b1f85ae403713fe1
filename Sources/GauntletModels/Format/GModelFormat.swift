/// The `.gmodel` file format: metadata keys, version, and the rules below.
///
/// A `.gmodel` file is a plain [safetensors](https://github.com/huggingface/safetensors) file:
/// an 8-byte little-endian header length, a JSON header, then raw little-endian tensor data. Any
/// safetensors reader (Python `safetensors`, Rust, Gauntlet's `SafeTensors`) can open it.
///
/// ## Metadata (`__metadata__`, all strings)
///
/// | key                | value                                                            |
/// |--------------------|------------------------------------------------------------------|
/// | `gauntlet.format`  | `gmodel`                                                         |
/// | `gauntlet.version` | `1`                                                              |
/// | `gauntlet.spec`    | the `ModelSpec` as JSON: `{"input":[1,8,8],"layers":[...]}`      |
///
/// Other keys may be present and are ignored by readers.
///
/// ## Tensors
///
/// All `F32`. Layer `i` of the spec (counting every layer, parameter-free ones included) with
/// parameters contributes:
///
/// | layer    | `layers.<i>.weight`               | `layers.<i>.bias` |
/// |----------|-----------------------------------|-------------------|
/// | `dense`  | `[out, in]` (PyTorch `nn.Linear`) | `[out]`           |
/// | `conv2d` | `[filters, channels, k, k]`       | `[filters]`       |
///
/// `y = x·Wᵀ + b` for Dense; Conv2D is a cross-correlation over NCHW inputs, as `nn.Conv2d`.
/// No other tensors are allowed.
///
/// ## Reading rules
///
/// `Sequential.load(path:on:)` fails with a typed `GauntletError`:
///
/// - `malformedFile` — `gauntlet.format` is not `gmodel`; `gauntlet.version` is missing or not a
///   version this build reads; `gauntlet.spec` is missing or invalid; a tensor the spec needs is
///   missing; a tensor the spec does not name is present; the file is truncated or corrupt (from
///   the safetensors reader);
/// - `shapeMismatch` — a tensor's shape differs from the one the spec implies;
/// - `nonFinite` — a weight is NaN or ±Inf in parsed contents (`load(_:path:on:)`); in a file
///   the safetensors reader already rejects it as `malformedFile` naming the tensor and element.
///
/// ## Version rule
///
/// `gauntlet.version` is an integer string. It is bumped only when a change would make an older
/// reader misread a file (a new tensor layout, a changed meaning of a spec field, a new required
/// tensor). Additive changes that older readers can safely reject with a clear error (a new layer
/// `type` in the spec) or ignore (new metadata keys) keep the version. A reader accepts exactly the
/// versions it knows (this build: `1`) and refuses any other with a message naming both.
///
/// ## PyTorch interchange
///
/// `Sequential.exportTorch(path:)` writes the same tensors under `nn.Sequential` state-dict names
/// (`<i>.weight`, `<i>.bias`, `i` the layer index: every spec layer is one torch module) with the
/// metadata of `scripts/export_pytorch.py` (`gauntlet.format = 1`, `gauntlet.layers`,
/// `gauntlet.arch` for MLPs, `gauntlet.input_shape`, `gauntlet.weight_layout = out,in`) plus
/// `gauntlet.spec`. In PyTorch, `model.load_state_dict(safetensors.torch.load_file(path))`.
///
/// `Sequential.importTorch(path:on:spec:)` reads such files (tensor names `[prefix.]<i>.weight|bias`)
/// and takes the architecture from, in order: the `spec` argument, `gauntlet.spec`,
/// `gauntlet.layers`, `gauntlet.arch` + `gauntlet.activation`, or else infers a Linear chain with
/// ReLU wherever one module separates two Linear layers. A missing bias loads as zeros.
public enum GModelFormat {
  public static let formatKey = "gauntlet.format"
  public static let versionKey = "gauntlet.version"
  public static let specKey = "gauntlet.spec"
  public static let formatValue = "gmodel"
  /// The version this build writes and the only one it reads.
  public static let version = "1"
}

