using NeuralPipelines.Data.Download;
using NeuralPipelines.Tests;

namespace NeuralPipelines.Data.Tests.Download;

/// <summary>Downloads from a file server on 127.0.0.1 started by the test; never the internet.</summary>
public class FileDownloaderTests
{
    // No target and no hidden file: the writer's temp files (".NAME.np-PID-GUID.tmp") and the old ".NAME.GUID.part" alike.
    private static void AssertNoLeftovers(string folder, string name)
    {
        Assert.False(File.Exists(Path.Combine(folder, name)), $"{name} should not exist");
        Assert.Empty(Directory.Exists(folder) ? Directory.GetFiles(folder, ".*") : []);
    }

    /// <summary>Downloads go through the one writer (issue 13: "downloads keep their own rename path" no more): a download
    /// that breaks off, or fails its digest, leaves no partial file, and the temp file of a download killed earlier (its
    /// process gone) is removed by the next download into the folder.</summary>
    [LinuxFact("/proc to tell a live process from a gone one")]
    public void A_failed_download_leaves_no_partial_file_and_removes_the_temp_file_a_killed_download_left()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        var name = data.Files[0].Name;
        int deadPid;
        using (var gone = System.Diagnostics.Process.Start("true")!) { gone.WaitForExit(); deadPid = gone.Id; }
        var stale = tmp.Write($".{name}.np-{deadPid}-{Guid.NewGuid():N}.tmp", "half a download, left by a SIGKILL");
        server.ServeBrokenOff("/" + name, data.GzipBytes[name], data.GzipBytes[name].Length / 2);
        var progress = new List<DownloadProgress>();

        var e = Assert.Throws<IOException>(() => new FileDownloader().Download(server.BaseUrl, data.Files, tmp.Path, new SynchronousProgress<DownloadProgress>(progress.Add)));

        Assert.Contains(server.BaseUrl + name, e.Message);
        Assert.True(progress.Any(p => p.BytesReceived > 0), "some bytes were written before the connection broke off");
        Assert.False(File.Exists(stale));
        AssertNoLeftovers(tmp.Path, name);

        // The same folder then fetches whole files, through the same writer: fsynced and renamed into place, no temp file left.
        data.ServeAll(server);
        Assert.Equal(4, new FileDownloader().Download(server.BaseUrl, data.Files, tmp.Path));
        foreach (var f in data.Files) Assert.Equal(data.GzipBytes[f.Name], File.ReadAllBytes(tmp.File(f.Name)));
        Assert.Empty(Directory.GetFiles(tmp.Path, ".*"));
    }

    [Fact]
    public void Downloads_every_file_verifies_it_and_reports_progress()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        data.ServeAll(server);
        var reports = new List<DownloadProgress>();

        int fetched = new FileDownloader().Download(server.BaseUrl, data.Files, tmp.Path, new SynchronousProgress<DownloadProgress>(reports.Add));

        Assert.Equal(4, fetched);
        foreach (var f in data.Files) Assert.Equal(data.GzipBytes[f.Name], File.ReadAllBytes(tmp.File(f.Name)));
        Assert.Equal(data.Files.Select(f => "/" + f.Name), server.Requests);
        var done = reports.Where(r => r.Completed).ToList();
        Assert.Equal(data.Files.Select(f => f.Name), done.Select(r => r.FileName));
        Assert.All(done, r => Assert.Equal(data.GzipBytes[r.FileName].Length, r.BytesReceived));
        Assert.All(reports, r => Assert.Equal(4, r.FileCount));
        Assert.Empty(Directory.GetFiles(tmp.Path, ".*"));
    }

    [Fact]
    public void A_digest_mismatch_names_url_expected_and_actual_and_leaves_no_file()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        data.ServeAll(server);
        var wrong = new string('0', 64);
        var files = data.Files.Select((f, i) => i == 1 ? f with { ContentSha256 = wrong } : f).ToList();

        var e = Assert.Throws<InvalidDataException>(() => new FileDownloader().Download(server.BaseUrl, files, tmp.Path));

        Assert.Contains(server.BaseUrl + files[1].Name, e.Message);
        Assert.Contains("SHA-256 mismatch", e.Message);
        Assert.Contains("expected " + wrong, e.Message);
        Assert.Contains("got " + data.Files[1].ContentSha256, e.Message);
        AssertNoLeftovers(tmp.Path, files[1].Name);
        Assert.True(File.Exists(tmp.File(files[0].Name))); // the verified file before it stays
    }

    [Fact]
    public void Http_404_names_the_url_and_leaves_no_file()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        var e = Assert.Throws<HttpRequestException>(() => new FileDownloader().Download(server.BaseUrl + "missing/", data.Files, tmp.Path));
        Assert.Contains(server.BaseUrl + "missing/" + data.Files[0].Name, e.Message);
        Assert.Contains("404", e.Message);
        AssertNoLeftovers(tmp.Path, data.Files[0].Name);
    }

    [Fact]
    public void A_connection_that_breaks_off_names_the_url_and_leaves_no_file()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        var name = data.Files[0].Name;
        server.ServeBrokenOff("/" + name, data.GzipBytes[name], 20);
        var e = Assert.Throws<IOException>(() => new FileDownloader().Download(server.BaseUrl, data.Files, tmp.Path));
        Assert.Contains(server.BaseUrl + name, e.Message);
        AssertNoLeftovers(tmp.Path, name);
    }

    [Fact]
    public void A_truncated_gzip_served_whole_is_reported_as_damaged()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        var name = data.Files[0].Name;
        server.Serve("/" + name, data.GzipBytes[name][..^10]);
        var e = Assert.Throws<InvalidDataException>(() => new FileDownloader().Download(server.BaseUrl, data.Files, tmp.Path));
        Assert.Contains(server.BaseUrl + name, e.Message);
        Assert.Contains("truncated", e.Message);
        AssertNoLeftovers(tmp.Path, name);
    }

    [Fact]
    public void A_refused_connection_names_the_url()
    {
        int port;
        using (var server = new LocalFileServer()) port = server.Port; // now closed
        using var tmp = new TempFolder();
        var url = $"http://127.0.0.1:{port}/";
        var e = Assert.Throws<HttpRequestException>(() => new FileDownloader().Download(url, new SyntheticIdxDataset().Files, tmp.Path));
        Assert.StartsWith(url, e.Message);
    }

    [Fact]
    public void Files_already_present_are_kept_and_not_requested_again()
    {
        using var server = new LocalFileServer();
        using var tmp = new TempFolder();
        var data = new SyntheticIdxDataset();
        data.ServeAll(server);
        File.WriteAllBytes(tmp.File(data.Files[0].Name), data.GzipBytes[data.Files[0].Name]);

        int fetched = new FileDownloader().Download(server.BaseUrl, data.Files, tmp.Path);

        Assert.Equal(3, fetched);
        Assert.DoesNotContain("/" + data.Files[0].Name, server.Requests);
    }
}
