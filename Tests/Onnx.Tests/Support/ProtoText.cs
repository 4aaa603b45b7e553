using System.Text.RegularExpressions;

namespace NeuralPipelines.Onnx.Tests.Support;

/// <summary>A reader for the protobuf text format as Triton's config.pbtxt uses it (fields, nested messages, lists of
/// messages or scalars), written independently of the writer so that a test reads what Triton would read.</summary>
public static partial class ProtoText
{
    /// <summary>A message: each field name maps to its values in order (a repeated field or a list gives several).</summary>
    public sealed class Message : Dictionary<string, List<object>>
    {
        public string String(string field) => (string)Assert.Single(this[field]);

        public string Scalar(string field) => (string)Assert.Single(this[field]);

        public Message Child(string field) => (Message)Assert.Single(this[field]);

        public IEnumerable<Message> Children(string field) => this[field].Cast<Message>();
    }

    public static Message Parse(string text)
    {
        var tokens = Token().Matches(text).Select(m => m.Value).Where(t => !t.StartsWith('#')).ToList();
        int at = 0;
        var message = ReadFields(tokens, ref at, end: null);
        Assert.Equal(tokens.Count, at);
        return message;
    }

    private static Message ReadFields(List<string> tokens, ref int at, string? end)
    {
        var message = new Message();
        while (at < tokens.Count && tokens[at] != end)
        {
            var name = tokens[at++];
            Assert.Matches("^[a-z_]+$", name);
            if (tokens[at] == ":") at++;
            if (!message.TryGetValue(name, out var values)) message[name] = values = [];
            if (tokens[at] == "[")
            {
                at++;
                while (tokens[at] != "]")
                {
                    values.Add(ReadValue(tokens, ref at));
                    if (tokens[at] == ",") at++;
                }
                at++;
            }
            else values.Add(ReadValue(tokens, ref at));
        }
        if (end is not null) at++;
        return message;
    }

    private static object ReadValue(List<string> tokens, ref int at)
    {
        var token = tokens[at++];
        if (token == "{") return ReadFields(tokens, ref at, "}");
        return token.StartsWith('"') ? token[1..^1] : token;
    }

    [GeneratedRegex("""#[^\n]*|"[^"]*"|[{}\[\]:,]|[^\s{}\[\]:,"]+""")]
    private static partial Regex Token();
}
