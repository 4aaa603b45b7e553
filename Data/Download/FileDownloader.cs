using System.Net;
using NeuralPipelines.Data.IO;

namespace NeuralPipelines.Data.Download;

/// <summary>Downloads files into a folder through the one output writer (<see cref="OutputTransaction"/>): each to a
/// temporary file first, renamed only once its SHA-256 matches.</summary>
/// <remarks>A file that fails (HTTP error, broken connection, damaged gzip, wrong digest) leaves nothing behind, so a
/// folder only ever holds verified files; files already present are kept, which makes an interrupted fetch resumable.</remarks>
public sealed class FileDownloader
{
    private static readonly Lazy<HttpClient> Shared = new(() => new HttpClient());
    private readonly HttpClient _client;

    public FileDownloader(HttpClient? client = null) => _client = client ?? Shared.Value;

    /// <summary>The longest a stalled connection may go without delivering a byte before the download fails.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Fetches <paramref name="files"/> from <paramref name="baseUrl"/> into <paramref name="folder"/>; returns how many were downloaded.</summary>
    public int Download(string baseUrl, IReadOnlyList<RemoteFile> files, string folder,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default) =>
        DownloadAsync(baseUrl, files, folder, progress, cancellation).GetAwaiter().GetResult();

    public async Task<int> DownloadAsync(string baseUrl, IReadOnlyList<RemoteFile> files, string folder,
        IProgress<DownloadProgress>? progress = null, CancellationToken cancellation = default)
    {
        Directory.CreateDirectory(folder);
        if (!baseUrl.EndsWith('/')) baseUrl += "/";
        int downloaded = 0;
        for (int i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var target = Path.Combine(folder, file.Name);
            if (File.Exists(target))
            {
                long size = new FileInfo(target).Length;
                progress?.Report(new DownloadProgress(file.Name, i, files.Count, size, size, Completed: true));
                continue;
            }
            await FetchOneAsync(new Uri(baseUrl + file.Name), file, target, i, files.Count, progress, cancellation).ConfigureAwait(false);
            downloaded++;
        }
        return downloaded;
    }

    private async Task FetchOneAsync(Uri url, RemoteFile file, string target, int index, int count,
        IProgress<DownloadProgress>? progress, CancellationToken cancellation)
    {
        // Through the one writer (OutputTransaction): a temp file beside the target, removed on failure and on
        // SIGINT/SIGTERM, cleaned on the next write to the folder after a SIGKILL, fsynced, checked, then renamed.
        using var transaction = new OutputTransaction();
        long received = 0;
        await transaction.AddAsync(target, async output =>
        {
            long? total;
            try
            {
                using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                    throw new HttpRequestException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
                total = response.Content.Headers.ContentLength;
                await using var body = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
                var buffer = new byte[81920];
                while (true)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                    idle.CancelAfter(IdleTimeout);
                    int n;
                    try
                    {
                        n = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                    {
                        throw new TimeoutException($"{url}: no data for {IdleTimeout.TotalSeconds:0} s after {received} bytes; the download was abandoned.");
                    }
                    catch (IOException e)
                    {
                        throw new IOException($"{url}: the download broke off after {received}{(total is null ? "" : $" of {total}")} bytes ({e.Message}).", e);
                    }
                    if (n == 0) break;
                    await output.WriteAsync(buffer.AsMemory(0, n), cancellation).ConfigureAwait(false);
                    received += n;
                    progress?.Report(new DownloadProgress(file.Name, index, count, received, total, Completed: false));
                }
            }
            catch (HttpRequestException e) when (e.StatusCode is null && !e.Message.StartsWith(url.ToString(), StringComparison.Ordinal))
            {
                throw new HttpRequestException($"{url}: {e.Message}", e);
            }
            if (total is long expectedLength && received != expectedLength)
                throw new IOException($"{url}: the connection closed after {received} of {expectedLength} bytes.");
        }, staged => Verify(url, file, staged)).ConfigureAwait(false);
        // Another process fetching the same dataset may have renamed its copy into place meanwhile: its copy was verified
        // too, and the rename replaces it atomically with identical content.
        transaction.Commit();
        progress?.Report(new DownloadProgress(file.Name, index, count, received, received, Completed: true));
    }

    private static void Verify(Uri url, RemoteFile file, string staged)
    {
        string actual;
        try
        {
            actual = ContentDigest.Sha256(staged);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{url}: the downloaded file is damaged: {e.Message.Replace(staged, "the download", StringComparison.Ordinal)}", e);
        }
        if (!string.Equals(actual, file.ContentSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"{url}: SHA-256 mismatch: expected {file.ContentSha256.ToLowerInvariant()}, got {actual} (digest of the file's content); the download was discarded.");
    }
}
