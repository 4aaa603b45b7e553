namespace NeuralPipelines.Serving.Tests;

/// <summary>The numbers and addresses <see cref="ServingOptions.Validate"/> refuses before Kestrel or the batcher sees them.</summary>
public sealed class ServingOptionsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:99999", "--urls http://127.0.0.1:99999: the port '99999' must be a number from 0 to 65535")]
    [InlineData("http://127.0.0.1:5000;http://localhost:x", "--urls http://localhost:x: the port 'x'")]
    [InlineData("127.0.0.1:5000", "--urls 127.0.0.1:5000: not a URL")]
    public void A_bad_port_or_url_is_named_with_the_option(string urls, string words)
    {
        var e = Assert.Throws<ArgumentException>(() => new ServingOptions { Urls = urls }.Validate());
        Assert.Contains(words, e.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://[::1]:65535")]
    [InlineData("http://localhost")]
    [InlineData("http://*:5000;https://+:5001/api")]
    [InlineData("http://unix:/tmp/np.sock")]
    public void Addresses_kestrel_takes_pass(string urls) => new ServingOptions { Urls = urls }.Validate();

    /// <summary>The README's "Serving over HTTP" gives np serve's defaults and limits; each is read from here, the one
    /// place they live (the limits of rows and pixels per request were in no document).</summary>
    [Fact]
    public void The_readme_quotes_the_defaults_and_limits()
    {
        var d = new ServingOptions();
        var readme = string.Join(' ', File.ReadAllLines(Path.Combine(NeuralPipelines.Tests.Repository.Root, "README.md")).Select(l => l.Trim()));
        var c = System.Globalization.CultureInfo.InvariantCulture;
        Assert.Contains($"(`--queue-capacity`, default {d.QueueCapacity.ToString("N0", c)} requests)", readme);
        Assert.Contains($"up to `--batch-size` rows (default {d.MaxBatchRows};", readme);
        Assert.Contains($"`--max-wait-ms` (default {d.MaxBatchWait.TotalMilliseconds.ToString(c)})", readme);
        Assert.Contains($"more than {d.MaxRowsPerRequest.ToString("N0", c)} rows or images in one request", readme);
        Assert.Contains($"one of more than {d.MaxImagePixels.ToString("N0", c)} pixels", readme);
        Assert.Contains($"`--max-body-bytes` (default {d.MaxBodyBytes.ToString("N0", c)} bytes)", readme);
    }
}
