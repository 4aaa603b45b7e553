namespace NeuralPipelines.Onnx.Scoring;

/// <summary>Tells when a file may have changed: 200 ms after the last file-system event on it, and every poll interval
/// besides, because the watcher misses a file changed through a link above it (a release folder re-pointed,
/// models/current → releases/v2, or a Kubernetes volume's swapped data folder leaves the folder it watches untouched).</summary>
/// <remarks>One one-shot timer does both, re-armed after each look, so that slow looks (a large model opening) never pile
/// up threads; an event during a look keeps its short wait rather than the poll's. Nothing is called after Dispose.</remarks>
internal sealed class FileChangeWatch : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);
    private readonly Action _look;
    private readonly TimeSpan _poll;
    private readonly Timer _timer;
    private readonly FileSystemWatcher _watcher;
    // A gate of the watch's own: the look itself may hold its owner's lock for as long as a model takes to open, and the
    // watcher's thread should not wait for that.
    private readonly object _gate = new();
    private bool _stopped, _eventSeen;

    /// <param name="poll">Zero or less: the watcher alone.</param>
    public FileChangeWatch(string path, TimeSpan poll, Action look)
    {
        _look = look;
        _poll = poll > TimeSpan.Zero ? poll : Timeout.InfiniteTimeSpan;
        _timer = new Timer(_ => Look(), null, Timeout.Infinite, Timeout.Infinite);
        try
        {
            // A rewrite raises several events (create, write, rename); the look waits for them to settle.
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(path)!, Path.GetFileName(path))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            FileSystemEventHandler changed = (_, _) => Soon();
            _watcher.Changed += changed;
            _watcher.Created += changed;
            _watcher.Renamed += (_, e) => { if (e.FullPath == path) Soon(); };
            _watcher.EnableRaisingEvents = true;
        }
        catch
        {
            _watcher?.Dispose();
            _timer.Dispose();
            throw;
        }
        // Armed only once the watcher runs, so a watch that failed to start leaves nothing polling.
        _timer.Change(_poll, Timeout.InfiniteTimeSpan);
    }

    private void Soon()
    {
        lock (_gate)
        {
            if (_stopped) return;
            _eventSeen = true;
            _timer.Change(Settle, Timeout.InfiniteTimeSpan);
        }
    }

    private void Look()
    {
        lock (_gate)
        {
            if (_stopped) return;
            _eventSeen = false;
        }
        _look();
        lock (_gate) if (!_stopped) _timer.Change(_eventSeen ? Settle : _poll, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        _watcher.Dispose();
        lock (_gate)
        {
            _stopped = true;
            _timer.Dispose();
        }
    }
}
