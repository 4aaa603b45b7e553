using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NeuralPipelines.Tests;

/// <summary>A minimal HTTP/1.1 file server on 127.0.0.1 (a free port), so download code is tested without the internet.</summary>
/// <remarks>Serves GET requests for registered paths with Content-Length and <c>Connection: close</c>; anything else is 404.
/// Every request path is recorded, so a test can assert that a cached dataset is not fetched twice.</remarks>
public sealed class LocalFileServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, (byte[] Body, int? SendOnly)> _files = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalFileServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}/";

    /// <summary>Paths requested so far, in order.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    /// <summary>Serves <paramref name="body"/> at <paramref name="path"/> (e.g. <c>/a.gz</c>).</summary>
    public void Serve(string path, byte[] body) => _files[path] = (body, null);

    /// <summary>Announces the whole length of <paramref name="body"/> but closes the connection after <paramref name="sendOnly"/> bytes.</summary>
    public void ServeBrokenOff(string path, byte[] body, int sendOnly) => _files[path] = (body, sendOnly);

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException) { return; }
            _ = Task.Run(() => Handle(client));
        }
    }

    private async Task Handle(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n"))
                {
                    int n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0) return;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                var parts = request.ToString().Split("\r\n")[0].Split(' ');
                var path = parts.Length > 1 ? parts[1] : "/";
                _requests.Enqueue(path);
                if (parts[0] == "GET" && _files.TryGetValue(path, out var file))
                {
                    var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {file.Body.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    await stream.WriteAsync(file.Body.AsMemory(0, file.SendOnly ?? file.Body.Length), _stop.Token);
                }
                else
                {
                    var body = Encoding.ASCII.GetBytes("not found\n");
                    var head = $"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    await stream.WriteAsync(body, _stop.Token);
                }
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested) { }
            catch (IOException) { }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
