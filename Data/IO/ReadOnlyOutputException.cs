namespace NeuralPipelines.Data.IO;

/// <summary>An output is a read-only file and nothing was written. The message names the file and its mode in a library
/// caller's terms; what replaces it anyway depends on who asks (<see cref="OutputPolicy.Forcing"/> from code, the command
/// line's --force), so the command line adds its own hint where it reports this.</summary>
public sealed class ReadOnlyOutputException(string path, int mode)
    : UnauthorizedAccessException($"{path}: the file is read-only (mode {Convert.ToString(mode & 0x1ff, 8)}); nothing was written.")
{
    /// <summary>The output as it was given.</summary>
    public string Path { get; } = path;
}
