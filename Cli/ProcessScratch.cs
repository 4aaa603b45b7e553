namespace NeuralPipelines.Cli;

/// <summary>A temp folder of the np process's own, set as TMPDIR for the run and deleted on the way out.</summary>
/// <remarks>ML.NET writes the ONNX model of each transformer it loads from bytes to the temp folder and never deletes it
/// (see <see cref="NeuralPipelines.Onnx.MlNet.ScopedMLContext"/>); some of those transformers are made by contexts np
/// does not hold (a trainer from ML.NET's catalog), so the whole process gets the folder. Only <see cref="Program.Main"/>
/// takes it: the tests run several commands at once in one process, where one environment variable cannot serve them all.</remarks>
internal sealed class ProcessScratch : IDisposable
{
    private readonly string? _folder;
    private readonly string? _previous;

    private ProcessScratch(string? folder, string? previous) { _folder = folder; _previous = previous; }

    public static ProcessScratch Enter()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return new ProcessScratch(null, null);
        var previous = Environment.GetEnvironmentVariable("TMPDIR");
        try
        {
            var folder = Directory.CreateTempSubdirectory($"np-{Environment.ProcessId}-").FullName;
            Environment.SetEnvironmentVariable("TMPDIR", folder);
            return new ProcessScratch(folder, previous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProcessScratch(null, null); // an unwritable temp folder fails later, where it is used, with its own message
        }
    }

    public void Dispose()
    {
        if (_folder is null) return;
        Environment.SetEnvironmentVariable("TMPDIR", _previous);
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
