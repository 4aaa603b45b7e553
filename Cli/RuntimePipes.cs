using System.Runtime.InteropServices;

namespace NeuralPipelines.Cli;

/// <summary>Removes the .NET runtime's own files of this process from the temp folder when SIGTERM or SIGHUP ends it.</summary>
/// <remarks>The runtime makes a debugger pipe pair (clr-debug-pipe-PID-STAMP-in/-out) and a diagnostics socket
/// (dotnet-diagnostic-PID-STAMP-socket) in $TMPDIR at start and removes them at a normal exit, and on SIGINT. Once np's
/// writer has registered its signal handler (<see cref="NeuralPipelines.Data.IO.TempFiles"/>, which returns so that the
/// runtime performs the signal's default action), SIGTERM and SIGHUP end the process without that clean-up, and the
/// three files stayed for good: a batch system that stops jobs with SIGTERM piled them up in /tmp (audit G5). The
/// process is ending when these handlers run (none of np's cancels the signal; np serve's host, which does, exits
/// normally after, where the runtime's own removal finds nothing left), so nothing will attach to them again. Only
/// <see cref="Program.Main"/> registers this: the tests run in one process whose pipes are not np's to remove.</remarks>
internal static class RuntimePipes
{
    private static readonly List<PosixSignalRegistration> Registrations = [];

    /// <param name="temp">The temp folder the runtime started with (before np points TMPDIR at its scratch folder).</param>
    public static void RemoveOnSignal(string temp)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            Registrations.Add(PosixSignalRegistration.Create(signal, _ => Remove(temp)));
    }

    private static void Remove(string temp)
    {
        int pid = Environment.ProcessId;
        try
        {
            // No suffix in the patterns: a socket's path is cut to fit sun_path (108 bytes), so in a deep temp folder the
            // socket is "dotnet-diagnostic-PID-STAMP-soc".
            foreach (var pattern in new[] { $"clr-debug-pipe-{pid}-*", $"dotnet-diagnostic-{pid}-*" })
                foreach (var path in Directory.EnumerateFileSystemEntries(temp, pattern))
                    File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
