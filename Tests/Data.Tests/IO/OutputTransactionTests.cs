using System.Diagnostics;
using System.Net.Sockets;
using NeuralPipelines.Data.IO;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.IO;

/// <summary>The one output writer (<see cref="AtomicFile"/> over <see cref="OutputTransaction"/>) on every kind of target:
/// new and existing regular files, symlinks, read-only files, FIFOs, character devices, folders, sockets, stale temp
/// files, and several files committed together. Linux only where the test needs mkfifo or /dev/null.</summary>
public class OutputTransactionTests
{
    private static string[] Temps(string folder) => Directory.GetFiles(folder, ".*.tmp").Select(Path.GetFileName).ToArray()!;

    [Fact]
    public void A_regular_file_is_replaced_whole_with_its_permissions_and_a_failed_write_leaves_it_and_no_temp_file()
    {
        if (OperatingSystem.IsWindows()) return;
        using var folder = new TempFolder();
        var path = folder.Write("out.txt", "old");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var before = FileIdentity.Of(path)!;
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        var after = FileIdentity.Of(path)!;
        Assert.NotEqual(before.Inode, after.Inode); // renamed into place, not rewritten
        Assert.Equal(0b110_100_000, after.Mode);

        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s => { s.Write("half"u8); throw new InvalidOperationException("boom"); }));
        Assert.Equal("boom", e.Message);
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Empty(Temps(folder.Path));
    }

    [Fact]
    public void A_symlink_keeps_being_a_link_and_its_target_is_replaced_even_when_the_target_does_not_exist_yet()
    {
        using var folder = new TempFolder();
        var target = folder.Write("real.txt", "old");
        var link = folder.File("link.txt");
        File.CreateSymbolicLink(link, "real.txt");
        AtomicFile.WriteAllText(link, "new");
        Assert.Equal("real.txt", new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));

        var dangling = folder.File("dangling.txt");
        File.CreateSymbolicLink(dangling, "later.txt");
        AtomicFile.WriteAllText(dangling, "made");
        Assert.Equal("later.txt", new FileInfo(dangling).LinkTarget);
        Assert.Equal("made", File.ReadAllText(folder.File("later.txt")));
        Assert.Empty(Temps(folder.Path));
    }

    [Fact]
    public void A_read_only_file_is_refused_with_its_name_unless_forced_and_stays_read_only_when_replaced()
    {
        if (OperatingSystem.IsWindows()) return;
        using var folder = new TempFolder();
        var path = folder.Write("frozen.txt", "keep me");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var e = Assert.Throws<ReadOnlyOutputException>(() => AtomicFile.WriteAllText(path, "gone"));
        Assert.Equal($"{path}: the file is read-only (mode 444); nothing was written.", e.Message);   // no command-line option in a library's words
        Assert.Equal(path, e.Path);
        Assert.Equal("keep me", File.ReadAllText(path));
        using (OutputPolicy.Forcing(true)) AtomicFile.WriteAllText(path, "replaced");
        Assert.Equal("replaced", File.ReadAllText(path));
        Assert.Equal(0b100_100_100, FileIdentity.Of(path)!.Mode);
        Assert.False(OutputPolicy.Force);
        Assert.Empty(Temps(folder.Path));
    }

    [LinuxFact("a FIFO as the output")]
    public async Task A_fifo_is_written_in_place_and_stays_a_fifo()
    {
        using var folder = new TempFolder();
        var fifo = folder.File("pipe");
        using (var mkfifo = Process.Start("mkfifo", [fifo])) mkfifo.WaitForExit();
        Assert.Equal(FileKind.Fifo, FileIdentity.Of(fifo)!.Kind);
        var reader = Task.Run(() => File.ReadAllText(fifo));
        AtomicFile.WriteAllText(fifo, "through the pipe");
        Assert.Equal("through the pipe", await reader.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(FileKind.Fifo, FileIdentity.Of(fifo)!.Kind);
        Assert.Empty(Temps(folder.Path));
    }

    [LinuxFact("a character device, /dev/null, behind a symlink")]
    public void A_character_device_behind_a_symlink_is_written_in_place_never_replaced()
    {
        using var folder = new TempFolder();
        var link = folder.File("mynull");
        File.CreateSymbolicLink(link, "/dev/null");
        var device = FileIdentity.Of("/dev/null")!;
        // Checked before anything is written: were /dev/null taken for a regular file, the write would replace it.
        Assert.Equal(FileKind.CharacterDevice, device.Kind);
        var target = OutputTarget.Resolve(link, force: false);
        Assert.True(target.InPlace);
        Assert.Equal(link, target.Path);

        AtomicFile.WriteAllText(link, "discarded");
        AtomicFile.WriteAllBytes("/dev/null", [1, 2, 3]);
        Assert.Equal(device, FileIdentity.Of("/dev/null"));
        Assert.Equal("/dev/null", new FileInfo(link).LinkTarget);
        Assert.Empty(Temps(folder.Path));
    }

    [LinuxFact("a Unix socket to refuse")]
    public void A_folder_and_a_socket_are_refused_with_one_line_naming_them()
    {
        using var folder = new TempFolder();
        var sub = Directory.CreateDirectory(folder.File("sub")).FullName;
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(sub, "x"));
        Assert.Equal($"{sub}: a folder, not a file; give a file name. Nothing was written.", e.Message);

        var socketPath = folder.File("sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(socketPath, "x"));
        Assert.StartsWith($"{socketPath}: a socket; outputs go to regular files, character devices (such as /dev/null) and FIFOs only.", e.Message);
        Assert.Equal(FileKind.Socket, FileIdentity.Of(socketPath)!.Kind);

        var missing = folder.File("no/such/folder.txt");
        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(missing, "x"));
    }

    [LinuxFact("/proc to tell a live process from a gone one")]
    public void Stale_temp_files_of_dead_processes_are_removed_on_the_next_write_to_their_folder_and_others_are_kept()
    {
        using var folder = new TempFolder();
        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        var stale = folder.Write($".model.onnx.np-{gone.Id}-{Guid.NewGuid():N}.tmp", "left by a killed run");
        var older = folder.Write($".model.ckpt.{gone.Id}.{Guid.NewGuid():N}.tmp", "the pattern before");
        var live = folder.Write($".other.np-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp", "a write in progress");
        var unrelated = folder.Write(".notes.tmp", "someone else's");
        Assert.Equal(gone.Id, TempFiles.OwnerOf(Path.GetFileName(stale)));
        Assert.Null(TempFiles.OwnerOf(".notes.tmp"));

        AtomicFile.WriteAllText(folder.File("model.onnx"), "fresh");
        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(older));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(unrelated));
    }

    /// <summary>Audit H11: the files of a folder (np sample's) are staged in one hidden folder inside it; a write that fails
    /// leaves the old files and no staging folder, and a staging folder a killed run left is removed by the next write.</summary>
    [LinuxFact("/proc to tell a live process from a gone one")]
    public void Files_staged_in_a_folder_inside_theirs_leave_the_old_files_on_failure_and_no_staging_folder()
    {
        using var folder = new TempFolder();
        string a = folder.Write("sample-0001.png", "old 1"), b = folder.Write("sample-0002.png", "old 2");
        using (var t = new OutputTransaction(folder.Path, "sample"))
        {
            t.Add(a, s => s.Write("new 1"u8));
            var staging = Assert.Single(Directory.GetDirectories(folder.Path));
            Assert.StartsWith(".np-sample-", Path.GetFileName(staging));
            Assert.Single(Directory.GetFiles(staging));
            Assert.Empty(Temps(folder.Path));
            Assert.Throws<InvalidDataException>(() => t.Add(b, _ => throw new InvalidDataException("no image")));
        }
        Assert.Equal(("old 1", "old 2"), (File.ReadAllText(a), File.ReadAllText(b)));
        Assert.Empty(Directory.GetDirectories(folder.Path));
        Assert.Empty(Temps(folder.Path));

        using var gone = Process.Start("true")!;
        gone.WaitForExit();
        var stale = folder.File($".np-sample-{gone.Id}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, $".sample-0001.png.np-{gone.Id}-{Guid.NewGuid():N}.tmp"), "left by a killed run");
        var live = folder.File($".np-sample-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(live);
        using (var t = new OutputTransaction(folder.Path, "sample"))
        {
            t.Add(a, s => s.Write("new 1"u8));
            t.Add(b, s => s.Write("new 2"u8));
            t.Commit();
        }
        Assert.Equal(("new 1", "new 2"), (File.ReadAllText(a), File.ReadAllText(b)));
        Assert.Equal([live], Directory.GetDirectories(folder.Path));
        Assert.Empty(Temps(folder.Path));
    }

    [Fact]
    public void Several_files_appear_together_or_not_at_all()
    {
        using var folder = new TempFolder();
        string a = folder.Write("a.onnx", "old a"), b = folder.File("b.zip");

        // A write that fails while staging: neither file changes.
        using (var t = new OutputTransaction())
        {
            t.Add(a, s => s.Write("new a"u8));
            Assert.Throws<InvalidDataException>(() => t.Add(b, _ => throw new InvalidDataException("no zip")));
        }
        Assert.Equal("old a", File.ReadAllText(a));
        Assert.False(File.Exists(b));
        Assert.Empty(Temps(folder.Path));

        // A rename that fails at commit (the second target became a folder meanwhile): the first is undone.
        using (var t = new OutputTransaction())
        {
            t.Add(a, s => s.Write("new a"u8));
            t.Add(b, s => s.Write("new b"u8));
            Directory.CreateDirectory(b);
            Assert.ThrowsAny<IOException>(t.Commit);
        }
        Assert.Equal("old a", File.ReadAllText(a));
        Assert.True(Directory.Exists(b));
        Assert.Empty(Temps(folder.Path));
        Directory.Delete(b);

        using (var t = new OutputTransaction())
        {
            t.Add(a, s => s.Write("new a"u8));
            t.Add(b, s => s.Write("new b"u8));
            t.Commit();
        }
        Assert.Equal(("new a", "new b"), (File.ReadAllText(a), File.ReadAllText(b)));
        Assert.Empty(Temps(folder.Path));
    }

    [Fact]
    public void The_same_file_is_recognised_through_links_and_an_output_equal_to_an_input_is_refused_naming_both()
    {
        using var folder = new TempFolder();
        var data = folder.Write("d.csv", "x\n1\n");
        var symlink = folder.File("alias.csv");
        File.CreateSymbolicLink(symlink, data);
        var other = folder.Write("e.csv", "x\n1\n");
        Assert.True(SameFile.Equal(data, symlink));
        Assert.True(SameFile.Equal(data, Path.Combine(folder.Path, ".", "d.csv")));
        Assert.False(SameFile.Equal(data, other));
        if (OperatingSystem.IsLinux())
        {
            var hard = folder.File("hard.csv");
            using (var ln = Process.Start("ln", [data, hard])) ln.WaitForExit();
            Assert.True(SameFile.Equal(data, hard));
        }

        var e = Assert.Throws<ArgumentException>(() => SameFile.EnsureOutputsDistinct([("--data", data)], [("--out", symlink)]));
        Assert.Equal($"--out {symlink} is the same file as the input --data {data}; writing it would destroy the input. Nothing was done.", e.Message);
        e = Assert.Throws<ArgumentException>(() => SameFile.EnsureOutputsDistinct([], [("--out", folder.File("new.onnx")), ("--mlnet", folder.File("new.onnx"))]));
        Assert.Contains("are the same file", e.Message);
        SameFile.EnsureOutputsDistinct([("--data", data), ("--data", "mnist")], [("--out", other), ("--report", "-"), ("--mlnet", null)]);
    }
}
