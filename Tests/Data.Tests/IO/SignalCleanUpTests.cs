using NeuralPipelines.Data.IO;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.IO;

/// <summary>The ending state is process-wide: these tests run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SignalCleanUpCollection { public const string Name = "signal clean-up"; }

/// <summary>What a signal's clean-up leaves when the command's thread goes on writing (<see cref="TempFiles.CleanUpForSignal"/>,
/// driven without a signal). A CI run found a temp file beside np train's checkpoint after a SIGTERM: the thread made it after
/// the clean-up, before the runtime ended the process.</summary>
[Collection(SignalCleanUpCollection.Name)]
public sealed class SignalCleanUpTests
{
    private sealed class ProcessEnded : Exception;

    private static void AfterASignal(bool signalsEnd, Action body)
    {
        var wait = TempFiles.WaitForTheEnd;
        TempFiles.SignalsEndTheProcess = signalsEnd;
        TempFiles.WaitForTheEnd = () => throw new ProcessEnded();
        try
        {
            TempFiles.CleanUpForSignal();
            body();
        }
        finally
        {
            TempFiles.ForgetEnding();
            TempFiles.SignalsEndTheProcess = false;
            TempFiles.WaitForTheEnd = wait;
        }
    }

    private static string[] Hidden(string folder) => Directory.GetFileSystemEntries(folder, ".*").Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void After_the_clean_up_of_a_signal_that_ends_the_process_no_temp_file_is_made()
    {
        using var folder = new TempFolder();
        var path = folder.Write("model.ckpt", "old");
        AfterASignal(signalsEnd: true, () =>
        {
            Assert.Throws<ProcessEnded>(() => AtomicFile.WriteAllText(path, "new"));
            Assert.Throws<ProcessEnded>(() => new OutputTransaction().Add(folder.File("other.csv"), s => s.WriteByte(1)));
        });
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Empty(Hidden(folder.Path));
        Assert.False(File.Exists(folder.File("other.csv")));
    }

    [Fact]
    public void A_temp_file_tracked_before_the_clean_up_and_made_after_it_is_deleted()
    {
        using var folder = new TempFolder();
        var temp = TempFiles.NameFor(folder.File("model.ckpt"));
        using var tracked = TempFiles.Track(temp);
        AfterASignal(signalsEnd: true, () =>
        {
            // The clean-up found nothing at this name; the thread makes the file just after.
            File.WriteAllText(temp, "half a checkpoint");
            Assert.Throws<ProcessEnded>(() => TempFiles.Created(temp));
        });
        Assert.Empty(Hidden(folder.Path));
    }

    [Fact]
    public void Where_a_host_handles_the_signal_itself_writing_goes_on_after_the_clean_up()
    {
        // ASP.NET Core's graceful shutdown cancels SIGTERM and may still save files: only the live temp files go.
        using var folder = new TempFolder();
        var path = folder.Write("state.json", "old");
        AfterASignal(signalsEnd: false, () => AtomicFile.WriteAllText(path, "new"));
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Empty(Hidden(folder.Path));
    }
}
