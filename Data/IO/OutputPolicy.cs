namespace NeuralPipelines.Data.IO;

/// <summary>Whether outputs written on this flow of control may replace read-only files (the command line's --force).
/// Ambient rather than a parameter because the writes happen deep inside library calls (checkpoint, ONNX, ML.NET zip)
/// that should not each grow a flag; an <see cref="AsyncLocal{T}"/> keeps one command's choice from leaking into another's.</summary>
public static class OutputPolicy
{
    private static readonly AsyncLocal<bool> ForceFlag = new();

    public static bool Force => ForceFlag.Value;

    /// <summary>Sets <see cref="Force"/> until the returned handle is disposed.</summary>
    public static IDisposable Forcing(bool force)
    {
        bool before = ForceFlag.Value;
        ForceFlag.Value = force;
        return new Restore(before);
    }

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => ForceFlag.Value = before;
    }
}
