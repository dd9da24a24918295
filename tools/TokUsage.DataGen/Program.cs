using System;
using System.IO;
using TokUsage.DataGen;
using TokUsage.Pricing;

// Usage:
//   TokUsage.DataGen prices --in <litellm model_prices json> --snapshot <yyyy-MM-dd> --out <compact json>
//   TokUsage.DataGen timezones --out <tsv>
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: TokUsage.DataGen prices --in FILE --snapshot DATE --out FILE | timezones --out FILE");
    return 2;
}

string Arg(string name)
{
    var i = Array.IndexOf(args, name);
    if (i < 0 || i + 1 >= args.Length)
    {
        throw new ArgumentException($"missing {name}");
    }

    return args[i + 1];
}

switch (args[0])
{
    case "prices":
        File.WriteAllText(Arg("--out"), LiteLlmConverter.Convert(File.ReadAllText(Arg("--in")), Arg("--snapshot")));
        return 0;
    case "timezones":
        File.WriteAllText(Arg("--out"), TimeZoneMapWriter.Write());
        return 0;
    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}
